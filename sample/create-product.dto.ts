import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Min, ValidateNested } from 'class-validator';

class PriceDto {
  @IsInt()
  @Min(1)
  cents: number;

  @IsString()
  @IsNotEmpty()
  currency: string;
}

export class CreateProductDto {
  @IsString()
  @IsNotEmpty()
  name: string;

  @IsInt()
  @Min(0)
  stock: number;

  @ValidateNested()
  @Type(() => PriceDto)
  price: PriceDto;
}
